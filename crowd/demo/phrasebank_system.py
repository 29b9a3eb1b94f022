"""Phrase banks for "Make Boundaries Invisible" and "Real Leaders, Happy Workers" (format: see
`crowd.demo.phrasebank_personal`)."""

BOUNDARIES = """
topic shared_records appeal=0.8 lean=staff:+0.08,service_user:-0.04
claim:
GP, hospital and social care should all see the same record.
Shared records are the single biggest thing that would join up care in London.
Information should follow the person across borough and organisation boundaries.
I want to see my own record and correct it when it is wrong.
problem:
The hospital cannot see what the GP prescribed and the GP gets the discharge letter weeks later.
Every organisation has a different IT system and none of them talk to each other.
Crossing a borough boundary means your records stay behind.
story:
My dad was given a drug he is allergic to because the hospital could not see his GP record.
I carry a folder of letters to every appointment because nobody else seems to have them.
When I moved from Lewisham to Greenwich my mental health records took five months to follow me.
staff:
As a paramedic I arrive at a house at three in the morning with no idea what the care plan says.
We print things from one system and scan them into another, it is ridiculous in this day and age.
Information governance rules are used to block sharing that would clearly help the patient.
suggestion:
Give every Londoner one care record that all services can read with their consent.
Let people see their own record on their phone and add their own notes.
Agree one information sharing agreement for the whole of London instead of hundreds.
Make the discharge summary reach the GP the same day, electronically.
question:
How will my data be kept safe if everyone can see my record?
Can I choose what a service can and cannot see?

topic discharge_delays appeal=0.77 lean=staff:+0.1,carer:+0.05
claim:
Nobody should wait in a hospital bed for days once they are medically fit to go home.
Discharge delays are a symptom of health and social care not working as one system.
Getting people home safely and quickly should be everyone's job, not the ward's problem.
Discharge to assess is the right idea if there is support at home on day one.
problem:
People wait days for a care package while they lose strength and confidence on the ward.
Discharges happen late on Friday with no medication and no one told at home.
Funding arguments between the trust and the council keep people stuck in hospital.
story:
When my mum came out of hospital there was no care package in place and I had to take two weeks off work.
My grandad was medically fit for three weeks but stayed in because nobody could agree who would pay for his care.
I was sent home after my operation with the wrong tablets and no one came to check on me.
staff:
On our ward a third of the beds are people who are medically optimised and waiting for packages.
Discharge to assess only works if reablement can start within a day, and in our borough it often cannot.
The MDT spends more time chasing social care referrals than planning care.
suggestion:
Start planning discharge on the day someone is admitted, with the family involved.
Pool money so disputes over who pays never hold up a discharge.
Stop discharging vulnerable people late at night or at weekends without support in place.
Give every ward a named social worker who can sign off packages on the spot.
question:
Who is accountable when someone is stuck waiting, the trust or the council?
What happens to people who have nobody at home to help when they are discharged?

topic single_access appeal=0.75 lean=service_user:+0.08,carer:+0.08,staff:-0.05
claim:
There should be one number to call and one front door for health and care.
People should not need to know how the system is organised to get help.
No wrong door: whoever you contact first should sort it out for you.
A single point of access would save so much time for families.
problem:
You get passed from one team to another, each saying it is not their service.
Eligibility criteria are different in every borough and nobody can explain them.
Referrals get bounced back because the form was not quite right.
story:
I rang seven different numbers to get a commode for my mother and still ended up buying one myself.
When my son was in crisis the GP sent us to A&E, A&E sent us to the crisis team, and the crisis team said ring the GP.
It took me four months to find out which team was meant to help my husband after his diagnosis.
staff:
We reject referrals because of criteria that make no sense to the person on the other end.
Our single point of access has helped, but only within our own trust.
A joint triage hub with the council would cut out half the phone calls we make every day.
suggestion:
Create one phone number and website for health and care in each borough, staffed by people who can act.
Stop bouncing referrals back, pass them on yourselves.
Use the same eligibility rules across London so moving borough does not mean starting again.
Give frontline staff a directory of every local service that is actually kept up to date.
question:
Would a single front door just become another call centre with a long queue?
How would this work for people who cannot use the phone?

topic joint_budgets appeal=0.62 lean=staff:+0.06,other:+0.05,service_user:-0.06
claim:
Money should follow the person, not the organisation.
Health and social care budgets need to be pooled if we are serious about integration.
Personal health budgets give people real choice and control.
Joint commissioning between the NHS and councils should be the norm.
problem:
Organisations protect their own budgets even when it costs the system more overall.
Savings made by the council show up in the NHS budget and nobody gets the credit.
Short term funding means good projects close just as they start to work.
story:
I have a personal budget for my care and it has completely changed my life, I employ my own carers.
Our local rehab service closed because the funding was in the wrong pot.
My son's personal budget took eighteen months to agree and then was cut without explanation.
staff:
We spend hours arguing about continuing healthcare funding instead of caring for people.
Section seventy five pooled budgets work when leaders trust each other, and fail when they do not.
As a commissioner I can see the waste from split budgets but I cannot move the money.
suggestion:
Pool health and care budgets in every borough for older people and people with long term conditions.
Offer personal budgets to everyone who wants one, with help to manage them.
Fund good projects for at least three years so they can prove themselves.
Agree one funding panel for continuing care instead of separate NHS and council ones.
question:
Pooled budgets sound good, but who decides how the money is spent?
Will personal budgets just mean people get less care for the same need?

topic housing_health appeal=0.73 lean=other:+0.08,service_user:+0.05
claim:
Housing is health, and the declaration needs to say so.
You cannot get well in a damp, overcrowded flat.
Housing, benefits and health services need to work together.
Homeless people need health care that comes to them.
problem:
People are discharged from hospital to temporary accommodation with no lift and no heating.
Mould and damp make children's asthma worse and nothing gets fixed.
Housing officers and health staff never meet, even when they are working with the same family.
story:
My son's asthma only got better when we finally moved out of our damp flat after four years.
I was discharged to a hostel after my operation and could not climb the stairs to my room.
My elderly aunt waited a year for a grab rail and fell twice in the meantime.
staff:
As a housing officer I see health problems caused by housing every single day.
We delay discharges because the home is not safe and adaptations take months.
The best outcomes we have seen came from a housing worker based in the hospital.
suggestion:
Put housing officers in hospital discharge teams and GP practices.
Fast track adaptations like grab rails and ramps so people can get home.
Make councils and the NHS share responsibility for people in temporary accommodation.
Let GPs refer directly to housing for damp and overcrowding.
question:
Can the declaration really change housing, or is this outside what the NHS can promise?
Who should homeless people register with if they move between boroughs?
"""

LEADERS = """
topic burnout appeal=0.78 lean=staff:+0.16,service_user:-0.03,carer:-0.03
claim:
Staff wellbeing has to come first if we want good care.
Burnt out staff cannot give compassionate care, it is that simple.
The declaration should commit to safe workloads, not just wellbeing apps.
You cannot look after patients if nobody looks after you.
problem:
People are leaving because they are exhausted, not because they do not love the job.
Wellbeing offers are yoga sessions at times nobody on shift can attend.
Sickness absence is through the roof and the people left behind pick up the slack.
story:
I have been a nurse for twenty years and this is the first time I have thought about leaving.
My sister is a junior doctor and she cried in the car park before every night shift last winter.
After my dad's care I wrote to thank the ward and the nurse said nobody had ever done that before.
staff:
Most days I do not get a break and I go home feeling I have let people down.
On our ward we started a ten minute huddle at handover and it has made a real difference to morale.
Our staff survey results get published and then nothing happens.
suggestion:
Protect breaks and stop rostering people on back to back long days.
Give every team a wellbeing lead with time to do it properly.
Offer proper counselling and occupational health that staff can reach quickly.
Measure staff wellbeing and act on it, not just survey it.
question:
How can we talk about staff wellbeing when there are thousands of vacancies?
Will this apply to care home staff and care workers, not just the NHS?

topic agency_continuity appeal=0.7 lean=staff:+0.06,carer:+0.08,service_user:+0.05
claim:
We rely far too much on agency staff and it costs continuity of care.
People should see the same faces, especially in home care.
Permanent, well supported teams give better care than a rota of strangers.
Continuity of care is a safety issue, not a nice to have.
problem:
Agency staff do not know the patients, the systems or even where things are kept.
Home care visits are fifteen minutes with a different carer every day.
Agencies pay more than the NHS so people leave to do the same job for more money.
story:
My mum had twenty seven different carers in one month, she stopped opening the door.
When my dad was in a nursing home the only familiar face was the cleaner.
I used to see the same GP for years and now I see someone different every time.
staff:
Half my shift last night was agency and I spent the whole time showing them where things are.
Bank staff who know the ward are worth twice as much as agency staff who have never been here.
We lose good people to agencies because they can pick their shifts, so we need to offer flexibility too.
suggestion:
Cap agency spending and put the money into flexible permanent contracts.
Give home care workers regular rounds so they see the same people.
Build a London wide staff bank so people can move between trusts without an agency.
Let people choose to see the same GP or nurse where it matters to them.
question:
How do you reduce agency use without leaving shifts unfilled?
Would a London staff bank mean even more moving around?

topic training_together appeal=0.74 lean=staff:+0.1,other:+0.04
claim:
Health and social care staff should train together.
Shared training builds the relationships that make joined up care work.
People who use services should help design and deliver staff training.
We need training in working across organisations, not just within them.
problem:
Nurses, social workers and care staff never meet until something has gone wrong.
Training is done in silos with different policies for the same thing.
Mandatory training is all online modules that nobody remembers.
story:
I helped deliver a training day for nurses about living with mental illness and they said it changed how they saw their patients.
My carer had never been shown how to use the hoist at my home, she learnt from me.
My son's learning disability nurse had more understanding in one visit than anyone in years, because she had been trained by families.
staff:
The best learning I ever did was a joint day with the council's reablement team.
Our care home staff cannot get onto NHS training courses even though they look after the same people.
Rotational posts between primary care and the hospital helped me understand both sides.
suggestion:
Run joint training for health and social care teams in each neighbourhood.
Open NHS training places to care home and home care staff for free.
Involve service users and carers as trainers, and pay them for it.
Create rotations between GP practices, community teams and hospitals.
question:
Who would fund joint training when both sides say they have no money?
How do you release staff for training when wards are already short?

topic leaders_listening appeal=0.72 lean=staff:+0.12,service_user:-0.02
claim:
Leaders need to listen to the front line and act on what they hear.
Real leadership means being visible, not sending emails from head office.
Good ideas come from the front line and leaders should back them.
Leaders should be judged on how their staff feel, not just on targets.
problem:
Decisions get made by people who have never done the job.
Staff who raise concerns are labelled as difficult.
Every restructure changes the managers but not the problems.
story:
My mother's care home got a new manager who spent her first week working shifts, and it turned the place around.
I raised a concern about my husband's care and the chief executive rang me back personally, which I never expected.
When my son complained, the ward manager listened and changed the visiting times, small things matter.
staff:
Our chief executive walks the wards every month and actually remembers what we told her.
I have raised the same safety concern three times and never heard back.
Leaders say they want innovation but every small change needs five sign offs.
suggestion:
Make board members spend a day a month working alongside frontline teams.
Create a simple way for staff to suggest improvements and see what happened to them.
Protect people who speak up and publish what changed because of it.
Include care workers and porters in leadership conversations, not just senior clinicians.
question:
How do you measure whether leaders are really listening?
Would leaders from the council and the NHS be held to the same standard?

topic care_pay appeal=0.75 lean=staff:+0.06,carer:+0.1,other:+0.05
claim:
Care workers deserve proper pay and recognition.
Care work is skilled work and should be paid like it.
The London living wage should be the minimum for every care worker.
Social care staff should have the same status as NHS staff.
problem:
Care workers are paid less than supermarket staff for much harder work.
Zero hours contracts and unpaid travel time push good people out of care.
Care workers are not paid for the time between visits, so visits get cut short.
story:
The care worker who looked after my dad was the kindest person I have met and she was on minimum wage.
My sister left home care to stack shelves because she could pay her rent that way.
The carers who came to my mum were brilliant but always rushing because they were not paid for travel.
staff:
I have been a care worker for twelve years and I still earn less than my nephew at the warehouse.
We cannot recruit in home care because the pay is so poor and the work so hard.
Care workers are the first to notice when someone is deteriorating, and the last to be asked.
suggestion:
Pay every care worker at least the London living wage, including travel time.
Create a proper career path from care worker to nurse or social worker.
Give care workers an NHS style badge and the same staff discounts.
Make commissioners pay enough for care contracts to cover decent wages.
question:
Where would the money for better care pay come from?
Would recognition without more pay just feel like another badge?
"""
